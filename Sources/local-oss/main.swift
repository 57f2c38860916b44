print("local-oss")
