print("noisebook")
