/// `show_if`: parsed, then checked against the questions before it.
extension SurveyDecoder {
    func decodeCondition(_ scalar: YAMLScalar, before: [Question]) -> Condition? {
        func mark(_ offset: Int) -> Mark {
            let singleLine = !scalar.value.contains("\n")
            let shift = scalar.style == .plain || !singleLine ? 0 : 1
            return Mark(line: scalar.mark.line, column: scalar.mark.column + (singleLine ? offset + shift : 0))
        }
        let condition: Condition
        do {
            condition = try Condition.parse(scalar.value)
        } catch let error as ConditionError {
            fail(mark(error.offset), "in show_if: \(error.message)")
            return nil
        } catch {
            return nil
        }
        var valid = true
        func check(_ condition: Condition) {
            switch condition {
            case .and(let a, let b), .or(let a, let b): check(a); check(b)
            case .not(let c): check(c)
            case .compare(let ref, let op, let value):
                guard let q = target(ref) else { return }
                if [.less, .lessOrEqual, .greater, .greaterOrEqual].contains(op) {
                    switch q.kind {
                    case .scale, .number: checkValues([value], of: q, ref)
                    default: problem(ref, "'\(op.rawValue)' compares numbers; '\(q.id)' is a \(q.typeName) question (use == or in)")
                    }
                } else {
                    checkValues([value], of: q, ref)
                }
            case .isIn(let ref, let values):
                guard let q = target(ref) else { return }
                checkValues(values, of: q, ref)
            case .contains(let ref, let value):
                guard let q = target(ref) else { return }
                switch q.kind {
                case .multi: checkValues([value], of: q, ref)
                default: problem(ref, "'contains' tests a multi question; '\(q.id)' is a \(q.typeName) question (use == or in)")
                }
            case .answered(let ref):
                _ = target(ref, allowWholeMatrix: true)
            }
        }
        func problem(_ ref: Condition.Reference, _ message: String) {
            fail(mark(ref.offset), "in show_if: " + message)
            valid = false
        }
        func target(_ ref: Condition.Reference, allowWholeMatrix: Bool = false) -> Question? {
            guard let q = before.first(where: { $0.id == ref.question }) else {
                let known = before.map(\.id)
                problem(ref, "'\(ref.question)' is not a question before this one; show_if may only refer to earlier questions"
                        + (known.isEmpty ? "" : " (\(known.joined(separator: ", ")))"))
                return nil
            }
            if case .matrix(let rows, _) = q.kind {
                if let row = ref.row {
                    guard rows.contains(where: { $0.code == row }) else {
                        problem(ref, "'\(q.id)' has no row '\(row)' (rows: \(rows.map(\.code).joined(separator: ", ")))")
                        return nil
                    }
                } else if !allowWholeMatrix {
                    problem(ref, "'\(q.id)' is a matrix; name a row, such as \(q.id).\(rows[0].code)")
                    return nil
                }
            } else if let row = ref.row {
                problem(ref, "'\(q.id).\(row)': only matrix questions have rows")
                return nil
            }
            return q
        }
        func checkValues(_ values: [String], of q: Question, _ ref: Condition.Reference) {
            switch q.kind {
            case .number:
                for value in values where Double(value) == nil || value.hasPrefix("+") {
                    problem(ref, "'\(q.id)' is a number question; '\(value)' is not a number")
                }
            case .text, .ranking:
                problem(ref, "a \(q.typeName) question can only be tested with 'answered'")
            default:
                let codes = q.codes
                for value in values where !codes.contains(value) {
                    problem(ref, "'\(q.id)' can never be '\(value)' (its codes: \(codes.joined(separator: ", ")))")
                }
            }
        }
        check(condition)
        return valid ? condition : nil
    }
}
