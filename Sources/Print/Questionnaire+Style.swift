extension Questionnaire {
    /// Flowing A4 pages with margins and a page number at the foot (CSS paged media, which
    /// browsers without margin boxes skip), 11 pt text, boxes drawn as borders (they print
    /// also when a browser leaves out backgrounds); no question is split across pages.
    var style: String {
        let (page, of) = words.page
        return """
        @page{size:A4;margin:16mm 18mm 18mm 18mm;@bottom-center{content:"\(page)" counter(page) "\(of)" counter(pages);font:9pt "DejaVu Sans","Liberation Sans",Arial,sans-serif}}
        body{font-size:11pt;line-height:1.35}
        .questionnaire{max-width:174mm;margin:0 auto}
        @media screen{body{background:#fff}.questionnaire{padding:12mm 0}}
        h1{font-size:18pt;line-height:1.2;margin:0 0 4mm}
        h2,h3{font-size:12pt;margin:0}
        h2.page{font-size:13pt;margin:5mm 0 2mm;border-bottom:0.4mm solid #000;break-after:avoid}
        p{margin:0 0 2mm}
        .intro{font-size:11.5pt}
        .how{margin-top:3mm;padding:2mm 3mm;border:0.3mm solid #000}
        .code{margin:4mm 0;padding:3mm;border:0.6mm solid #000;break-inside:avoid;page-break-inside:avoid}
        .code h2{margin-bottom:1.5mm}
        .code-boxes{margin:2mm 0;white-space:nowrap}
        .dash{display:inline-block;width:6mm;text-align:center;font-size:14pt;vertical-align:middle}
        .question{border:0;border-top:0.3mm solid #000;margin:0;padding:3mm 0 3.5mm;min-width:0;break-inside:avoid;page-break-inside:avoid}
        .question legend{padding:0;float:left;width:100%}
        .question legend+*{clear:both}
        .question h2,.question h3{padding-bottom:1.5mm}
        .number{display:inline-block;min-width:7mm}
        .required{font-weight:normal;font-style:italic}
        .when{font-weight:bold}
        .help,.note{font-size:10.5pt}
        .note{font-style:italic}
        .box{display:inline-block;width:4.6mm;height:4.6mm;border:0.35mm solid #000;vertical-align:middle;flex:none}
        .box.round{border-radius:50%}
        .box.digit{width:6.5mm;height:8mm;margin-right:1mm}
        .box.place{width:8mm;height:8mm}
        .comma{display:inline-block;width:4mm;text-align:center;font-size:14pt;vertical-align:bottom}
        .options{list-style:none;margin:1mm 0 0;padding:0}
        .options li{display:flex;align-items:center;gap:2.5mm;margin:0 0 1.6mm;min-height:5mm}
        .options.inline{display:flex;gap:10mm}
        .options.ranking li{margin-bottom:2mm}
        .options .other .fill{flex:1;border-bottom:0.3mm solid #000;height:5mm}
        table{border-collapse:collapse;margin:1mm 0 0}
        .scale th{font-weight:normal;text-align:center;width:10mm;padding:0 1mm}
        .scale td{text-align:center;padding:1mm}
        .scale .end{font-size:10pt;max-width:35mm;padding:1mm 2mm}
        .scale .low{text-align:right}
        .scale .high{text-align:left}
        .matrix{width:100%}
        .matrix th,.matrix td{border:0.25mm solid #000;padding:1.5mm 2mm}
        .matrix thead th{font-weight:normal;font-size:10pt;text-align:center;vertical-align:bottom}
        .matrix tbody th{font-weight:normal;text-align:left;width:40%}
        .matrix td{text-align:center}
        .hidden{position:absolute;width:1px;height:1px;overflow:hidden;clip:rect(0 0 0 0);white-space:nowrap}
        .digits{margin:1mm 0 0;white-space:nowrap}
        .lines{margin-top:1mm}
        .lines .line{display:block;height:8mm;border-bottom:0.3mm solid #000}
        .lines.short{width:60mm}
        .thanks{margin-top:6mm;font-weight:bold}
        """
    }
}
