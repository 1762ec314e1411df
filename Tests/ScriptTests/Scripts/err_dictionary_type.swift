// A dictionary type gets the same advice as a dictionary literal.
let d: [String: Int] = []
// expect-error: 2:15: dictionary types are not supported in cells; keep two arrays (keys and values) and find a key with keys.firstIndex(of:) instead
