import ArgumentParser
import OSSBatch

extension RemoteVerification: ExpressibleByArgument {}
