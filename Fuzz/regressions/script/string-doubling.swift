var s = "ab"
while true { s = s + s }
