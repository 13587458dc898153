//! A random order, from the operating system's random source: the order in which rows
//! are written wherever the order of writing must say nothing (responses, credentials,
//! comments).

/// 0..n in a random order (from the operating system's random source).
pub fn shuffled(n: usize) -> Vec<usize> {
    let mut order: Vec<usize> = (0..n).collect();
    // Fisher–Yates with rejection-free 64-bit draws (bias below 2⁻⁵⁰ for any batch size).
    for i in (1..n).rev() {
        let mut bytes = [0u8; 8];
        getrandom::fill(&mut bytes).expect("the operating system's random source failed");
        let j = (u64::from_le_bytes(bytes) % (i as u64 + 1)) as usize;
        order.swap(i, j);
    }
    order
}
