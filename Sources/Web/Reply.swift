import HTTP
import Store

/// What a page or hook answers: a response now, or a response to store first. Stored responses
/// go to the group commit and are answered from its thread once they are on disk, so no thread
/// waits for the commit.
enum Reply {
    case now(Response)
    /// `then` builds the answer from the outcome; `failed` is the answer when nothing could be stored.
    case store(NewResponse, then: @Sendable (StoreOutcome) -> Response, failed: Response)
    /// A paged form's draft to keep first; `then` gets whether it was kept (not for a link that has answered).
    case keepDraft(DraftSave, then: @Sendable (Bool) -> Response, failed: Response)

    func send(to responder: Responder, writer: ResponseWriter) {
        switch self {
        case .now(let response):
            responder.send(response)
        case .store(let response, let then, let failed):
            writer.submit(response) { outcome in
                switch outcome {
                case .success(let stored):
                    if case .stored = stored { ResponseArrivals.note(response.surveyID) }
                    responder.send(then(stored))
                case .failure: responder.send(failed)
                }
            }
        case .keepDraft(let save, let then, let failed):
            writer.submitDraft(save) { outcome in
                switch outcome {
                case .success(let kept): responder.send(then(kept))
                case .failure: responder.send(failed)
                }
            }
        }
    }
}
