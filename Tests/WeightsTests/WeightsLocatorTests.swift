import Foundation
import TestSupport
import XCTest

@testable import Weights

/// Finding snapshots in a fake Hugging Face cache built in a temporary folder.
final class WeightsLocatorTests: XCTestCase {
    private var root = ""

    override func setUpWithError() throws {
        root = try temporaryFolder(self)
    }

    /// Creates `hub/models--DeepFloyd--<model>/snapshots/<rev>/` with the given UNet files.
    @discardableResult
    private func snapshot(_ model: String, _ revision: String, files: [String], hub: String? = nil) throws -> String {
        let folder = "\(hub ?? root + "/hub")/models--DeepFloyd--\(model)/snapshots/\(revision)"
        try FileManager.default.createDirectory(atPath: folder + "/unet", withIntermediateDirectories: true)
        try FileManager.default.createDirectory(atPath: folder + "/scheduler", withIntermediateDirectories: true)
        for file in files + ["unet/config.json", "scheduler/scheduler_config.json"] {
            try Data(repeating: 1, count: file.hasSuffix(".safetensors") ? 100 : 2).write(to: URL(fileURLWithPath: folder + "/" + file))
        }
        return folder
    }

    func testSearchPathsFollowHuggingFacePrecedence() {
        let all = WeightsLocator(environment: ["HF_HUB_CACHE": "/a/hub/", "HF_HOME": "/b", "XDG_CACHE_HOME": "/c", "HOME": "/d"])
        XCTAssertEqual(all.searchPaths(), ["/a/hub", "/b/hub", "/c/huggingface/hub", "/d/.cache/huggingface/hub"])
        XCTAssertEqual(WeightsLocator(environment: ["HOME": "/d"]).searchPaths(), ["/d/.cache/huggingface/hub"])
        XCTAssertEqual(WeightsLocator(environment: [:]).searchPaths(), [])
    }

    func testFindsModelsPrefersFP16AndFollowsRefsMain() throws {
        try snapshot("IF-I-M-v1.0", "old", files: ["unet/diffusion_pytorch_model.safetensors"])
        let pinned = try snapshot("IF-I-M-v1.0", "pinned", files: ["unet/diffusion_pytorch_model.fp16.safetensors",
                                                                   "unet/diffusion_pytorch_model.safetensors"])
        try FileManager.default.createDirectory(atPath: root + "/hub/models--DeepFloyd--IF-I-M-v1.0/refs", withIntermediateDirectories: true)
        try Data("pinned\n".utf8).write(to: URL(fileURLWithPath: root + "/hub/models--DeepFloyd--IF-I-M-v1.0/refs/main"))
        try snapshot("IF-I-L-v1.0", "r1", files: ["unet/diffusion_pytorch_model.safetensors"])
        try FileManager.default.createDirectory(atPath: root + "/hub/models--other--thing", withIntermediateDirectories: true)

        let locator = WeightsLocator(environment: ["HF_HUB_CACHE": root + "/hub"])
        let found = locator.findAll()
        XCTAssertEqual(found.map(\.name), ["IF-I-L-v1.0", "IF-I-M-v1.0"])
        let m = try XCTUnwrap(found.last)
        XCTAssertEqual(m.folder, pinned)
        XCTAssertEqual(m.variant, .fp16)
        XCTAssertEqual(m.unetWeights, pinned + "/unet/diffusion_pytorch_model.fp16.safetensors")
        XCTAssertEqual(m.schedulerConfig, pinned + "/scheduler/scheduler_config.json")
        XCTAssertEqual(m.sizeBytes, 100)
        XCTAssertEqual(found.first?.variant, .fp32)

        XCTAssertEqual(try locator.resolve(explicit: nil, preferred: nil)?.name, "IF-I-L-v1.0", "L is the default")
        XCTAssertEqual(try locator.resolve(explicit: nil, preferred: "M")?.name, "IF-I-M-v1.0")
        XCTAssertEqual(try locator.resolve(explicit: nil, preferred: "if-i-m")?.name, "IF-I-M-v1.0")
        assertMessage("model 'XL' not found in \(root)/hub (found: IF-I-L-v1.0, IF-I-M-v1.0)") {
            try locator.resolve(explicit: nil, preferred: "XL")
        }
    }

    func testNewestSnapshotWinsWithoutRefs() throws {
        let old = try snapshot("IF-I-L-v1.0", "a-old", files: ["unet/diffusion_pytorch_model.safetensors"])
        let new = try snapshot("IF-I-L-v1.0", "b-new", files: ["unet/diffusion_pytorch_model.safetensors"])
        try FileManager.default.setAttributes([.modificationDate: Date(timeIntervalSince1970: 1_000)], ofItemAtPath: new)
        try FileManager.default.setAttributes([.modificationDate: Date(timeIntervalSince1970: 2_000)], ofItemAtPath: old)
        let locator = WeightsLocator(environment: ["HF_HOME": root, "HOME": root + "/nowhere"])
        XCTAssertEqual(locator.findAll().map(\.folder), [old])
    }

    func testExplicitFolderIsValidated() throws {
        let folder = try snapshot("IF-I-XL-v1.0", "r", files: ["unet/diffusion_pytorch_model.fp16.safetensors"])
        let locator = WeightsLocator(environment: [:])
        XCTAssertEqual(try locator.resolve(explicit: folder, preferred: "M")?.name, "IF-I-XL-v1.0", "explicit wins")
        let repository = root + "/hub/models--DeepFloyd--IF-I-XL-v1.0"
        XCTAssertEqual(try locator.resolve(explicit: repository, preferred: nil)?.folder, folder)
        assertMessage("\(root)/missing is not a DeepFloyd IF snapshot folder: no such folder") {
            try locator.resolve(explicit: root + "/missing", preferred: nil)
        }
        try FileManager.default.createDirectory(atPath: root + "/empty", withIntermediateDirectories: true)
        assertMessage("\(root)/empty is not a DeepFloyd IF snapshot folder: unet/config.json is missing") {
            try locator.resolve(explicit: root + "/empty", preferred: nil)
        }
        try FileManager.default.createDirectory(atPath: root + "/empty/unet", withIntermediateDirectories: true)
        try Data("{}".utf8).write(to: URL(fileURLWithPath: root + "/empty/unet/config.json"))
        assertMessage("\(root)/empty is not a DeepFloyd IF snapshot folder: neither unet/diffusion_pytorch_model.fp16.safetensors nor unet/diffusion_pytorch_model.safetensors is present") {
            try locator.resolve(explicit: root + "/empty", preferred: nil)
        }
    }

    func testNothingOnDiskResolvesToNil() throws {
        XCTAssertNil(try WeightsLocator(environment: ["HF_HUB_CACHE": root + "/none"]).resolve(explicit: nil, preferred: nil))
    }

    func testDanglingDownloadLinkIsSkipped() throws {
        let folder = try snapshot("IF-I-M-v1.0", "r", files: [])
        try FileManager.default.createSymbolicLink(atPath: folder + "/unet/diffusion_pytorch_model.fp16.safetensors",
                                                   withDestinationPath: root + "/blobs/incomplete")
        XCTAssertEqual(WeightsLocator(environment: ["HF_HUB_CACHE": root + "/hub"]).findAll(), [])
    }
}
