var a = [1]
while true { a.append(contentsOf: a) }
