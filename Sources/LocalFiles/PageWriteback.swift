import CLocalFiles

/// The write-back of a file's dirty pages, started (`sync_file_range`).
///
/// Why: a program that writes a file through a shared memory mapping (a database, an `mmap`ed log) changes
/// its mtime and ctime only at the first write to a page since the page was last written back; further writes
/// to that page, for up to half a minute, change neither. Once the write-back has started, the page is
/// write-protected again, and the next write through the mapping stamps the file anew. So a file whose pages
/// were sent on their way before its ctime was read cannot change afterwards without its ctime moving.
public enum PageWriteback {
    /// Starts writing back every page of the open file that is dirty now, and returns once each is on its way
    /// (without waiting for the disk). `false` where the call fails (a FIFO, a file system without it), with
    /// nothing done.
    @discardableResult
    public static func start(_ descriptor: Int32) -> Bool { clocalfiles_start_writeback(descriptor) == 0 }
}
