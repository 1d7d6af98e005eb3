fn main() {
    let args: Vec<f64> = std::env::args().skip(1).filter_map(|a| a.parse().ok()).collect();
    let (w, h) = (args.first().copied().unwrap_or(2.0), args.get(1).copied().unwrap_or(3.0));
    println!("{}", geometry::area(w, h));
}
