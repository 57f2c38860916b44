import Digests
import OSSProtocol

extension ObjectOptions {
    /// A stable 64-bit digest of everything sent with an object (the first 8 bytes of the SHA-256 of the
    /// options' canonical form, the plan ID's): an index entry made with other options does not count.
    /// `forbid_overwrite` is left out (hashed as off, so entries keep the hashes they had): it conditions the
    /// request and is not kept with the object; with it in, turning it on made every unchanged file look
    /// changed, and each was sent again and refused 409 `FileAlreadyExists`, every night.
    package var indexHash: Int64 {
        var bytes: [UInt8] = []
        var stored = self
        stored.forbidOverwrite = false
        stored.appendCanonicalForm(to: &bytes)
        let digest = SHA256.hash(bytes)
        return digest.prefix(8).reduce(Int64(0)) { $0 << 8 | Int64($1) }
    }
}
