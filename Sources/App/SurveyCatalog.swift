import Foundation
import Survey

/// The surveys of a folder: every `*.yml`/`*.yaml` file, read and checked; ids unique.
struct SurveyCatalog {
    var surveys: [Survey] = []
    var errors: [String] = []

    /// The survey files in `directory`, sorted.
    static func files(in directory: String) throws -> [String] {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: directory, isDirectory: &isDirectory), isDirectory.boolValue else {
            throw InputError("mitreden: error: the surveys folder '\(directory)' does not exist; create it or point --surveys (MITREDEN_SURVEYS) at it")
        }
        let names = try FileManager.default.contentsOfDirectory(atPath: directory)
        return names.filter { ($0.hasSuffix(".yml") || $0.hasSuffix(".yaml")) && !$0.hasPrefix(".") }.sorted()
            .map { (directory as NSString).appendingPathComponent($0) }
    }

    /// Reads the given files; a broken file adds its errors and is left out.
    static func load(_ paths: [String]) -> SurveyCatalog {
        var catalog = SurveyCatalog()
        var seen: [String: String] = [:]
        for path in paths {
            do {
                let survey = try SurveyReader.read(file: path)
                if let other = seen[survey.id] {
                    catalog.errors.append("\(path):1:1: error: survey id '\(survey.id)' is also used by \(other); each survey needs its own id")
                    continue
                }
                seen[survey.id] = path
                catalog.surveys.append(survey)
            } catch let error as SurveyErrors {
                catalog.errors += error.errors.map(\.description)
            } catch {
                catalog.errors.append("\(path):1:1: error: \(error)")
            }
        }
        return catalog
    }

    /// The survey with `id` from the surveys folder, or an input error that says what exists.
    static func survey(_ id: String, in directory: String) throws -> Survey {
        let catalog = load(try files(in: directory))
        if let survey = catalog.surveys.first(where: { $0.id == id }) { return survey }
        let broken = catalog.errors.filter { $0.contains("/\(id).y") }
        if !broken.isEmpty {
            throw InputError(broken + ["mitreden: error: survey '\(id)' has errors; fix them (mitreden check) and run the command again"])
        }
        let known = catalog.surveys.map(\.id)
        var lines = ["mitreden: error: no survey '\(id)' in \(directory)" + (known.isEmpty ? "" : " (surveys: \(known.joined(separator: ", ")))")]
        let brokenFiles = Set(catalog.errors.map { $0.split(separator: ":")[0] })
        if !brokenFiles.isEmpty {
            lines.append("note: \(counted(brokenFiles.count, "survey file")) \(brokenFiles.count == 1 ? "has" : "have") errors and \(brokenFiles.count == 1 ? "was" : "were") left out (\(brokenFiles.sorted().joined(separator: ", "))); run 'mitreden check'")
        }
        throw InputError(lines)
    }
}
