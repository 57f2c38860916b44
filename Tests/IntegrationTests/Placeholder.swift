import Foundation
import TestSupport
import Testing

@Test func builtProductsAreFoundBesideTheTests() {
    #expect(FileManager.default.isExecutableFile(atPath: Products.url("ossbatch").path))
}
