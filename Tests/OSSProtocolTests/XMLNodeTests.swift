import Foundation
import OSSProtocol
import Testing

@Suite struct XMLNodeTests {
    @Test func answersWithADeclarationAByteOrderMarkCommentsAndCDATAAreRead() throws {
        let documents = [
            #"<?xml version="1.0" encoding="UTF-8"?>"# + "\n<Error><Code>NoSuchKey</Code></Error>",
            "\u{FEFF}<?xml version=\"1.0\"?><Error><Code>NoSuchKey</Code></Error>",
            "<Error><!-- a <? and a <!x inside --><Code>NoSuchKey</Code></Error>",
            "<Error><Code><![CDATA[NoSuchKey]]></Code></Error>",
            "<Error><Code>No&lt;?Such&amp;Key</Code></Error>",
            "<?xml version='1.0' encoding = 'utf-8' standalone='yes'?><Error><Code>NoSuchKey</Code></Error>",
        ]
        for (i, document) in documents.enumerated() {
            let root = try #require(XMLNode.parse(Array(document.utf8)), "\(i)")
            #expect(root.name == "Error")
            #expect(root.text(of: "Code") == (i == 4 ? "No<?Such&Key" : "NoSuchKey"), "\(i)")
        }
    }

    /// Each of these crashed the process inside Foundation's XMLParser (a NULL `strlen`, or a force-unwrap
    /// in its callbacks): one answer like it from a proxy or a broken server killed the run. Now not XML.
    @Test func processingInstructionsAndDocumentTypesAreRefusedNotParsed() {
        let documents = [
            "<?x?><Error/>", "<Error><?x?></Error>", "<Error/><?x?>", "<?xml?><Error/>", "<?xml-stylesheet?><Error/>",
            "<?x data?><Error/>", "<!DOCTYPE a [<!NOTATION n SYSTEM \"s\">]><Error/>",
            "<!DOCTYPE a [<!ATTLIST a b CDATA #IMPLIED>]><Error/>",
            "<!DOCTYPE a [<!ENTITY u SYSTEM \"s\" NDATA n>]><Error/>", "<!DOCTYPE Error><Error/>",
            "<Error><!-- never closed <Code/></Error>", "<Error><![CDATA[ never closed </Error>", "<?xml version",
            // A declaration never closed, up to the end of an instruction after it (fuzz-request's find).
            #"<?xml version="1.0" encoding="UTF<Error><?x-a?><Error/>"#, #"<?xml version="1.0 <?x?>"#,
            // Another encoding than UTF-8, declared (the scan reads bytes as UTF-8).
            #"<?xml version="1.0" encoding="UTF-16"?><Error/>"#, #"<?xml version="1.0" encoding="IBM037"?><Error/>"#,
            #"<?xml version="1.0" encoding="UTF-7"?><Error/>"#, #"<?xml version="1.0" encoding=UTF-8?><Error/>"#,
        ]
        // UTF-16 with its byte order mark: `<?x?>` there crashed the parser (3C 00 3F 00 …).
        var utf16: [UInt8] = [0xFF, 0xFE]
        for unit in "<?x?><Error/>".utf16 { utf16 += [UInt8(truncatingIfNeeded: unit), UInt8(unit >> 8)] }
        #expect(XMLNode.parse(utf16) == nil)
        #expect(XMLNode.parse(Array("<Error>a\0b</Error>".utf8)) == nil)
        for document in documents {
            #expect(XMLNode.parse(Array(document.utf8)) == nil, "\(document)")
        }
        #expect(XMLNode.parse([]) == nil)
    }
}
