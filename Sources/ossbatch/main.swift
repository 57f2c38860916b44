print("ossbatch")
