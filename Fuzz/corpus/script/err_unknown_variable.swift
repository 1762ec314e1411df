let image = 1
print(imgae)
// expect-error: 2:7: cannot find 'imgae' in scope
// expect-note: did you mean 'image'?
