import OSSProtocol
import Testing

@Suite struct PercentEncodingTests {
    @Test func encodesEveryByteButUnreservedAndOptionallySlash() {
        #expect(
            PercentEncoding.encode("a+b=c&d;e,f@g$h!i*j'k(l)m~n%o#p?q.txt")
                == "a%2Bb%3Dc%26d%3Be%2Cf%40g%24h%21i%2Aj%27k%28l%29m~n%25o%23p%3Fq.txt"
        )
        #expect(PercentEncoding.encode("a/b c", keepSlash: true) == "a/b%20c")
        #expect(PercentEncoding.encode("a/b", keepSlash: false) == "a%2Fb")
        #expect(PercentEncoding.encode("ü") == "%C3%BC")
    }

    @Test func decodingInvertsEncodingAndToleratesStrayPercent() {
        let key = "reports/Q3 summary/übersicht – final (v2).pdf"
        #expect(PercentEncoding.decode(PercentEncoding.encode(key)) == key)
        #expect(PercentEncoding.decode("100%") == "100%")
        #expect(PercentEncoding.decode("%zz%4") == "%zz%4")
        #expect(PercentEncoding.decode("a+b") == "a+b")
    }

    @Test func exactDecodingReadsEveryEscapeAndPlusAsSpaceAndRefusesWhatIsNotEncodedText() {
        let key = "ctl\u{1}/cr\r lf\n 100% a+b ü \u{FFFF}"
        #expect(PercentEncoding.decodeExactly(PercentEncoding.encode(key, keepSlash: true)) == key)
        #expect(PercentEncoding.decodeExactly("a+b%2Bc") == "a b+c")
        #expect(PercentEncoding.decodeExactly("%c3%BC") == "ü")
        for malformed in ["100%", "%4", "%zz", "a%G0", "%%41"] {
            #expect(PercentEncoding.decodeExactly(malformed) == nil, "\(malformed)")
        }
        // Escapes that make no UTF-8: a lone continuation byte, a truncated sequence, an overlong form.
        for notUTF8 in ["%80", "%C3", "%C0%AF", "%FF"] {
            #expect(PercentEncoding.decodeExactly(notUTF8) == nil, "\(notUTF8)")
        }
    }
}
