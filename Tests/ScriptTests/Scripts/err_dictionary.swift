let ages = ["ann": 3, "bob": 4]
// expect-error: 1:18: dictionaries are not supported in cells; keep two arrays (keys and values) and find a key with keys.firstIndex(of:) instead
