// Words like 'repeat' or 'do' are not reserved: they still work as names.
let repeat = 3
let do = [1, 2]
print(repeat + do.count)    // expect: 5
