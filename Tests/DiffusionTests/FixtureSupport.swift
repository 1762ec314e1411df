import TestSupport

/// The scheduler fixture written by tools/make_if_fixtures.py (diffusers 0.30.3).
let Fixtures = FixtureFolder(bundle: .module, script: "tools/make_if_fixtures.py")
