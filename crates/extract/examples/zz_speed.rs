fn main() {
    let seeds = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../seeds");
    let texts: Vec<String> = std::fs::read_dir(&seeds)
        .unwrap()
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|x| x == "txt"))
        .map(|p| std::fs::read_to_string(p).unwrap())
        .collect();
    let words: usize = texts.iter().map(|t| t.split_whitespace().count()).sum();
    let n: usize = std::env::args().nth(1).map_or(200, |a| a.parse().unwrap());
    for t in &texts {
        std::hint::black_box(readout_extract::analyze(t, None));
    }
    for _ in 0..n {
        for t in &texts {
            std::hint::black_box(readout_extract::analyze(t, None));
        }
    }
    println!("{} words", words * n);
}
