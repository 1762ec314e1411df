var x = 1
x = "one"
// expect-error: 2:5: cannot assign value of type 'String' to type 'Int'
