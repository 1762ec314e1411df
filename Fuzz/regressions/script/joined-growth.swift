var a = ["abcdefgh"]
while true { a = a + a
 a = [a.joined(separator: "--")] + a }
