import Foundation
import Pipeline
import Tensor

/// Each command's synopsis and details: one table, from which `noisebook --help`,
/// `noisebook help COMMAND`, `COMMAND --help` and the line under a usage error all derive.
struct CommandHelp {
    /// The command's name.
    let name: String
    /// Its usage lines, without "usage: " (several for commands with several forms).
    let synopsis: [String]
    /// What it does and its options, indented under the name in the overview.
    let details: String

    /// The help of one command: its usage lines, then its details.
    var text: String {
        "usage: " + synopsis.joined(separator: "\n       ") + "\n\n" + details
    }

    static let all: [CommandHelp] = [
        CommandHelp(name: "run", synopsis: ["""
            noisebook run [PATH...] [--out DIR] [--fresh] [--no-call-cache] [--embed] [--submission] [--project DIR] [--cache DIR]
                                 [--allow DIR] [--no-wait] [--model NAME] [--weights DIR] [--weights2 DIR] [--embeddings FILE]
                                 [--precision \(Precision.allCases.map(\.rawValue).joined(separator: "|"))]
                                 [--slurm [--partition P] [--time T] [--cpus-per-task N] [--sbatch OPTION]...]
            """], details: """
            Run notebooks (files or folders; default Notebooks/) into DIR (default Output/).
            Cells whose inputs did not change are served from the cache (.noisebook/cache).
              --fresh     ignore cached results
              --no-call-cache  reuse whole cells only, not single model calls (for comparing)
              --embed     put the images inside each page (one self-contained file per page)
              --submission  pages without cache badges and timings (for handing in)
              --project DIR the project folder (default: the nearest folder at or above the current
                          one holding .noisebook/ or Notebooks/)
              --model NAME  \(ModelCatalog.names.joined(separator: ", ")) (default \(ModelCatalog.defaultName);
                          docs/models.md says what each runs)
              --weights DIR, --embeddings FILE  DeepFloyd IF's weights and the course's prompt embeddings
              --precision bf16  DeepFloyd IF's UNet products in bf16 with fp32 sums (CPUs with
                          AVX512-BF16; faster, about 1% off fp32); fp32 is the default
              --weights2 DIR  stage II (super-resolution) weights for upsample(); else IF-II-L
                          or IF-II-M from the Hugging Face cache
              --cache DIR use another cache folder
              --allow DIR let cells read and write files in DIR (outside the project)
              --no-wait   fail (status 65) instead of waiting when another run holds the project
            One run at a time per project: a second run waits for the first (.noisebook/lock).
            Ctrl-C stops at the next statement or model step (status 130); finished cells stay cached.
            --slurm     run the notebooks with cells left to compute as Slurm job arrays (a task per
                          notebook, or per cell where a notebook's model cells are independent, on
                          the cluster's nodes, sharing the project's cache), follow
                          the tasks, then write the site here from the cache; the project folder must
                          be on a file system the nodes share, and noisebook at the same path on them.
                          --partition, --time and --cpus-per-task go to sbatch, and so does each
                          --sbatch OPTION (e.g. --sbatch=--mem=16G). Ctrl-C cancels the job (scancel).
            """),
        CommandHelp(name: "preview", synopsis: ["noisebook preview [PATH...] [--port N] [--host ADDR] [--open] [run's options]"], details: """
            Run the notebooks, serve the site on http://127.0.0.1:8180/ (the next free port if taken),
            and run a notebook again whenever it or a file beside it changes: open pages reload
            themselves and show the running cell's progress. Ctrl-C stops it (status 130).
            """),
        CommandHelp(name: "cache", synopsis: ["noisebook cache size [--cache DIR]", "noisebook cache clean --keep-latest [--cache DIR]"], details: """
            size: the cache's entries, blobs and bytes. clean --keep-latest: remove every entry
            and blob that the latest run of no notebook used.
            """),
        CommandHelp(name: "doctor", synopsis: ["noisebook doctor"], details: """
            Show the BLAS kernel and its measured speed, the convolution algorithms, the
            weight-product kernel, and where model weights are looked for. These variables
            force each choice (the first value is the default):
            \(Knob.userTable.split(separator: "\n").map { "  " + $0 }.joined(separator: "\n"))
            """),
        CommandHelp(name: "unet", synopsis: ["""
            noisebook unet --weights DIR --sample x.npy --timesteps 990,250 --embeddings e.npy --out y.npy [--dtype f32|f16]
                                  [--class-labels 250,250]
            """], details: """
            Run one batched DeepFloyd IF UNet forward on .npy inputs (checks an install against diffusers).
              --weights DIR      a snapshot folder (unet/, scheduler/) or a models--DeepFloyd--... cache folder
              --sample x.npy     [B, C, H, W] noisy images (float32 or float16); C = 3 for stage I,
                                 6 for stage II (the sample, then the noised upscaled image)
              --timesteps LIST   one timestep, or B of them, comma-separated
              --class-labels LIST  stage II only: the noise level of the upscaled image, one or B of them
              --embeddings e.npy [B, 77, D], [1, 77, D] or [77, D] text embeddings
              --out y.npy        where the [B, 6, H, W] output goes
            """),
        CommandHelp(name: "prompts", synopsis: ["noisebook prompts [FILE|FOLDER] [--export PROMPT --out e.npy]"], details: """
            List the prompts of an embedding file (.pth or safetensors), or export one as .npy.
            With no file, or a model folder (Models/emoji, Models/trained), list the words the
            default model understands, each with how many of its training captions use it.
            """),
        CommandHelp(name: "encode", synopsis: ["noisebook encode --weights DIR --out e.npy [--ids-out ids.npy] [--raw] [--] PROMPT..."], details: """
            Encode prompts with a snapshot's T5 text encoder into [N, 77, d_model] float32 .npy.
              --weights DIR      a snapshot folder holding text_encoder/ and tokenizer/
              --out e.npy        where the float32 [N, 77, d_model] last hidden states go
              --ids-out ids.npy  also write the int64 token ids [N, 77]
              --raw              encode the prompts as given; by default they are lower-cased and
                                 trimmed first, as DeepFloyd IF's encode_prompt does
              --                 everything after it is a prompt, even a prompt starting with --
            """),
    ]

    /// The command names, in the order of the overview.
    static var names: [String] { all.map(\.name) }

    /// The help of `name`, nil for a name noisebook has no command for.
    static func named(_ name: String) -> CommandHelp? { all.first { $0.name == name } }

    /// `noisebook --help`: every synopsis, then each command's details under its name.
    static var overview: String {
        var text = "noisebook: run diffusion-model notebooks into a web page.\n\n"
        var first = true
        for help in all {
            for line in help.synopsis {
                text += (first ? "usage: " : "       ") + line + "\n"
                first = false
            }
        }
        text += "       noisebook help [COMMAND] | COMMAND --help | noisebook --version\n\n"
        for help in all {
            let lines = help.details.split(separator: "\n", omittingEmptySubsequences: false)
            text += help.name.padding(toLength: 9, withPad: " ", startingAt: 0) + lines[0] + "\n"
            for line in lines.dropFirst() { text += "         " + line + "\n" }
        }
        text += """

            Exit status: 0 success, 64 usage error, 65 a notebook or cell failed, 70 internal error,
            130 interrupted.
            """
        return text
    }
}
