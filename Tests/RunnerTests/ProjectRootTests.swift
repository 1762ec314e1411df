import Foundation
import Runner
import XCTest

/// The project a command works on is found by walking up, so running from a subfolder uses
/// the project's cache instead of starting a new one there.
final class ProjectRootTests: RunnerTestCase {
    func testASubfolderFindsTheProjectAbove() throws {
        let deep = project + "/Notebooks/images/drafts"
        try FileManager.default.createDirectory(atPath: deep, withIntermediateDirectories: true)
        // Notebooks/ marks the project; Notebooks/images holds neither marker.
        XCTAssertEqual(ProjectRoot.find(from: deep), URL(fileURLWithPath: project).standardizedFileURL.path)
        XCTAssertEqual(ProjectRoot.find(from: project), URL(fileURLWithPath: project).standardizedFileURL.path)
    }

    func testACacheFolderMarksAProjectWithoutNotebooks() throws {
        let other = project + "/elsewhere/work"
        try FileManager.default.createDirectory(atPath: project + "/elsewhere/.noisebook", withIntermediateDirectories: true)
        try FileManager.default.createDirectory(atPath: other, withIntermediateDirectories: true)
        XCTAssertEqual(ProjectRoot.find(from: other), URL(fileURLWithPath: project + "/elsewhere").standardizedFileURL.path)
    }

    func testAFolderOutsideAnyProjectIsItsOwnRoot() throws {
        let lone = FileManager.default.temporaryDirectory.appendingPathComponent("lone-\(UUID().uuidString)/a").path
        try FileManager.default.createDirectory(atPath: lone, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: URL(fileURLWithPath: lone).deletingLastPathComponent().path) }
        XCTAssertEqual(ProjectRoot.find(from: lone), URL(fileURLWithPath: lone).standardizedFileURL.path)
    }
}
