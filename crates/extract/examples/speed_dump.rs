//! A driver for counting the pipeline's instructions and for proving that a
//! change leaves its output alone:
//!
//!     speed_dump - FILE...        # a warm-up pass (loads the models), then one
//!                                 # pass in `measured_pass`
//!     valgrind --tool=callgrind --toggle-collect='*measured_pass*' \
//!         target/release/examples/speed_dump - seeds/*.txt ...
//!     speed_dump OUT_DIR FILE...  # gold JSON and the full Debug rendering of
//!                                 # every analysis, for `diff -r` against a baseline
//!
//! Output files are named `<parent folder>__<stem>`.
use std::path::Path;

use readout_extract::analyze;
use readout_extract::gold::to_gold;

#[inline(never)]
fn measured_pass(texts: &[(String, String)]) -> usize {
    let mut n = 0;
    for (_, text) in texts {
        let a = analyze(text, None);
        n += std::hint::black_box(&a).entities.entities.len();
    }
    n
}

fn main() {
    let mut args = std::env::args().skip(1);
    let out = args.next().unwrap();
    let texts: Vec<(String, String)> = args
        .map(|f| {
            let bytes = std::fs::read(&f).unwrap();
            (f, String::from_utf8_lossy(&bytes).into_owned())
        })
        .collect();
    let words: usize = texts
        .iter()
        .map(|(_, t)| t.split_whitespace().count())
        .sum();
    eprintln!("{} files, {} words", texts.len(), words);
    if out == "-" {
        for (_, text) in &texts {
            std::hint::black_box(analyze(text, None));
        }
        std::hint::black_box(measured_pass(&texts));
        return;
    }
    let out_dir = Path::new(&out);
    std::fs::create_dir_all(out_dir).unwrap();
    for (file, text) in &texts {
        let path = Path::new(file);
        let analysis = analyze(text, None);
        let name = path.file_name().unwrap().to_string_lossy().into_owned();
        let doc = to_gold(&analysis, &name, None);
        let parent = path
            .parent()
            .unwrap()
            .file_name()
            .unwrap()
            .to_string_lossy()
            .into_owned();
        let stem = format!("{parent}__{}", path.file_stem().unwrap().to_string_lossy());
        let json = serde_json::to_string_pretty(&doc).unwrap();
        std::fs::write(out_dir.join(format!("{stem}.json")), json + "\n").unwrap();
        std::fs::write(
            out_dir.join(format!("{stem}.debug")),
            format!("{analysis:#?}\n"),
        )
        .unwrap();
    }
}
