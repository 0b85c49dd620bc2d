import Testing
import Survey
@testable import Web

@Suite("The form page")
struct FormPageTests {
    @Test("a number's limits are written as its readers write numbers: a decimal comma in German")
    func numberLimits() throws {
        let survey = try SurveyReader.read("id: zahl\ntitle: T\nlanguages: [de, en]\nquestions:\n  - id: n\n    type: number\n    text:\n      de: F\n      en: Q\n    min: -1.5\n    max: 10\n    decimals: 1\n",
                                           path: "surveys/zahl.yml")
        #expect(SurveyForm(survey: survey, language: "de", action: "/s/zahl").html.contains("(Minimum -1,5 Maximum 10)"))
        #expect(SurveyForm(survey: survey, language: "en", action: "/s/zahl").html.contains("(minimum -1.5 maximum 10)"))
    }
}
