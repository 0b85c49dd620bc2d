import Survey

/// The fixed texts of the public pages, in German and English; other languages read English.
public enum UIText {
    static let table: [String: [String: String]] = [
        "de": [
            "submit": "Antworten absenden", "required": "Pflichtfrage", "other": "Sonstiges, und zwar:",
            "errors.one": "Bitte eine Antwort prüfen", "errors.many": "Bitte %@ Antworten prüfen",
            "only": "Nur beantworten, wenn:", "and": "und", "or": "oder", "not": "nicht",
            "answered": "beantwortet", "place": "Platz %@", "choose": "– bitte wählen –", "yes": "Ja", "no": "Nein",
            "thanks.title": "Vielen Dank!", "thanks.text": "Die Antworten sind gespeichert.",
            "done.title": "Schon beantwortet", "done.text": "Zu diesem Link sind die Antworten schon eingegangen. Vielen Dank!",
            "notyet.title": "Noch nicht geöffnet", "notyet.text": "Die Umfrage „%@“ beginnt am %@.",
            "closed.title": "Umfrage beendet", "closed.text": "Die Umfrage „%@“ ist beendet. Vielen Dank für das Interesse!",
            "unknown.title": "Dieser Link ist nicht gültig.", "unknown.text": "Bitte prüfen, ob der ganze Link geöffnet wurde.",
            "language": "Sprache", "min": "Minimum", "max": "Maximum",
            "unsubscribe.title": "Keine E-Mails mehr?", "unsubscribe.ask": "Zur Umfrage „%@“ kommen dann keine Einladungen und Erinnerungen mehr.",
            "unsubscribe.button": "Keine E-Mails mehr", "unsubscribe.done": "Erledigt: Zur Umfrage „%@“ kommen keine E-Mails mehr.",
            "unsubscribe.already": "Bereits abgemeldet: Zur Umfrage „%@“ kommen keine E-Mails mehr.",
            "unsubscribe.unknown": "Dieser Link ist nicht gültig.", "unsubscribe.unknownText": "Bitte prüfen, ob der ganze Link aus der E-Mail geöffnet wurde.",
            "unsubscribe.doneTitle": "Abgemeldet",
            "page.of": "Seite %@ von %@", "next": "Weiter", "back": "Zurück", "later": "Später weitermachen",
            "later.note": "„Später weitermachen“ speichert die Antworten; der persönliche Link führt dann hierher zurück, auch auf einem anderen Gerät.",
            "later.anonymous": "Diese Umfrage ist anonym. Bis zum Absenden bleiben unfertige Antworten mit dem persönlichen Link gespeichert, damit es später weitergehen kann; nach dem Absenden bleibt davon nichts übrig.",
            "saved.title": "Gespeichert", "saved.text": "Die Antworten sind gespeichert. Mit dem persönlichen Link geht es später an dieser Stelle weiter, auch auf einem anderen Gerät.",
            "saved.continue": "Jetzt weitermachen",
            "unseen.title": "Diese Seite kommt noch nicht", "unseen.text": "Das Formular hat eine Seite geschickt, die noch nicht an der Reihe war. Bitte die Umfrage über ihren Link neu öffnen.",
            "tampered.title": "Die Antworten der vorigen Seiten sind verändert", "tampered.text": "Die Antworten der vorigen Seiten kamen verändert an. Es wurde nichts gespeichert. Bitte die Umfrage neu beginnen.",
            "start.again": "Zur Umfrage",
        ],
        "en": [
            "submit": "Send answers", "required": "required", "other": "Other, namely:",
            "errors.one": "Please check one answer", "errors.many": "Please check %@ answers",
            "only": "Only answer if:", "and": "and", "or": "or", "not": "not",
            "answered": "answered", "place": "Place %@", "choose": "– please choose –", "yes": "Yes", "no": "No",
            "thanks.title": "Thank you!", "thanks.text": "Your answers have been saved.",
            "done.title": "Already answered", "done.text": "The answers for this link have already arrived. Thank you!",
            "notyet.title": "Not open yet", "notyet.text": "The survey “%@” opens on %@.",
            "closed.title": "Survey closed", "closed.text": "The survey “%@” has closed. Thank you for your interest!",
            "unknown.title": "This link is not valid.", "unknown.text": "Please check that you opened the whole link.",
            "language": "Language", "min": "minimum", "max": "maximum",
            "unsubscribe.title": "No more emails?", "unsubscribe.ask": "You will no longer receive invitations or reminders for the survey “%@”.",
            "unsubscribe.button": "No more emails", "unsubscribe.done": "Done: you will no longer receive emails about the survey “%@”.",
            "unsubscribe.already": "You have already unsubscribed: you will receive no more emails about the survey “%@”.",
            "unsubscribe.unknown": "This link is not valid.", "unsubscribe.unknownText": "Please check that you opened the whole link from the email.",
            "unsubscribe.doneTitle": "Unsubscribed",
            "page.of": "Page %@ of %@", "next": "Next", "back": "Back", "later": "Continue later",
            "later.note": "“Continue later” keeps your answers; your personal link then brings you back here, on any device.",
            "later.anonymous": "This survey is anonymous. Until you send your answers, unfinished ones are kept with your personal link so that you can continue later; once sent, nothing of them is left.",
            "saved.title": "Saved", "saved.text": "Your answers are saved. Your personal link continues here later, on any device.",
            "saved.continue": "Continue now",
            "unseen.title": "This page is not next yet", "unseen.text": "The form sent a page that was not yet due. Please open the survey again from its link.",
            "tampered.title": "The answers of earlier pages were changed", "tampered.text": "The answers of earlier pages arrived changed. Nothing was stored. Please start the survey again.",
            "start.again": "To the survey",
        ],
    ]

    /// The text for `key` in `language` (English for other languages), with `%@` filled in order, HTML-escaped.
    public static func html(_ key: String, _ language: String, _ values: String...) -> String {
        html(key, language, values: values)
    }

    static func html(_ key: String, _ language: String, values: [String]) -> String {
        HTML.escape(text(key, language, values: values))
    }

    /// The same, not escaped (for a page's `<title>`, which `Page` escapes).
    static func text(_ key: String, _ language: String, values: [String]) -> String {
        var text = (table[language] ?? table["en"]!)[key] ?? key
        for value in values {
            if let range = text.range(of: "%@") { text.replaceSubrange(range, with: value) }
        }
        return text
    }
}
