import Foundation
import Testing
import TestSupport

@Test func builtProductsAreFoundBesideTheTests() {
    #expect(FileManager.default.isExecutableFile(atPath: Products.url("ossbatch").path))
}
