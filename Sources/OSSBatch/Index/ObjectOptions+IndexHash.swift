import Digests
import OSSProtocol

extension ObjectOptions {
    /// A stable 64-bit digest of everything sent with an object (the first 8 bytes of the SHA-256 of the
    /// options' canonical form, the plan ID's): an index entry made with other options does not count.
    /// `forbid_overwrite` is left out (hashed as off, so entries keep the hashes they had): it conditions the
    /// request and is not kept with the object; with it in, turning it on made every unchanged file look
    /// changed, and each was sent again and refused 409 `FileAlreadyExists`, every night.
    package var indexHash: Int64 {
        var stored = self
        stored.forbidOverwrite = false
        return stored.canonicalFormHash
    }

    /// Whether an index entry's options hash is these options': `indexHash`, or, for options that forbid
    /// overwriting, the hash ossbatch gave them before it left the flag out — their entries still count after
    /// an upgrade, where every unchanged file was otherwise sent again and refused 409, every night.
    package func matchesIndexHash(_ hash: Int64) -> Bool {
        hash == indexHash || (forbidOverwrite && hash == canonicalFormHash)
    }

    /// The hash of every option as sent, `forbid_overwrite` included (the index's hash before 2026-12-05).
    package var canonicalFormHash: Int64 {
        var bytes: [UInt8] = []
        appendCanonicalForm(to: &bytes)
        let digest = SHA256.hash(bytes)
        return digest.prefix(8).reduce(Int64(0)) { $0 << 8 | Int64($1) }
    }
}
