#if canImport(Glibc)
import Glibc
#endif

/// Memory the process freed but the C allocator still holds.
public enum FreedMemory {
    /// glibc's `malloc_trim`, looked up once: Glibc's module map leaves out `<malloc.h>`, which declares it.
    private static let trim: (@convention(c) (Int) -> Int32)? = {
        #if canImport(Glibc)
        guard let symbol = dlsym(UnsafeMutableRawPointer(bitPattern: 0), "malloc_trim") else { return nil }
        // The symbol is glibc's `int malloc_trim(size_t pad)`; the C type matches that declaration.
        return unsafeBitCast(symbol, to: (@convention(c) (Int) -> Int32).self)
        #else
        return nil
        #endif
    }()

    /// Hands the pages of freed heap memory back to the system (glibc releases whole free pages anywhere in
    /// its heaps, not only at the top). glibc keeps freed blocks below its mmap threshold resident for reuse:
    /// a new report frees its plan's jobs as it takes them, and without this the plan stayed resident beside
    /// the report (a run of 10,000,000 files peaked at 366 bytes a job). Does nothing where the C library has
    /// no such call.
    public static func release() { _ = trim?(0) }
}
