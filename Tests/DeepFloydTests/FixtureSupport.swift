import TestSupport

/// The IF-shaped model fixtures: tiny-a and tiny-b from tools/make_if_fixtures.py, loop/
/// from tools/make_sampling_fixtures.py (diffusers 0.30.3).
let Fixtures = FixtureFolder(bundle: .module, script: "tools/make_if_fixtures.py and tools/make_sampling_fixtures.py")
