import Testing
@testable import Print

@Suite("Print documents")
struct PrintDocumentTests {
    @Test("a document is A4, self-contained and escapes its title")
    func shell() {
        let html = PrintDocument(language: "de", title: "Jugend & Zukunft <2027>", style: ".x{}", body: "<section class=\"sheet\"></section>").html
        #expect(html.contains("@page{size:A4;margin:0}") && html.contains("<title>Jugend &amp; Zukunft &lt;2027&gt;</title>"))
        #expect(!html.contains("http://") && !html.contains("https://") && !html.contains("<script") && !html.contains("<link"))
    }
}
