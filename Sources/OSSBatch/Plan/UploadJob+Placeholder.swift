import OSSProtocol

extension UploadJob {
    /// What fills an array that jobs are then moved into from the back, each at its place: jobs taken off the
    /// end of a list (`popLast`) move, but laying them out backwards and turning the list round (`reverse`)
    /// copies every one (each string and the options retained, and released with the original). Its strings
    /// are empty, stored inline, so filling with it and replacing it touch only its options, one object.
    static let placeholder = UploadJob(
        location: SplitPath(""),
        objectKey: SplitPath(""),
        identity: SourceIdentity(size: 0, mtimeNanoseconds: 0, inode: 0, device: 0),
        options: ObjectOptions(),
        method: .put
    )
}
