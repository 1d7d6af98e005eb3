/// Area of a rectangle, in the units of its sides.
pub fn area(width: f64, height: f64) -> f64 {
    width * height
}

#[cfg(test)]
mod tests {
    #[test]
    fn area_of_a_square() {
        assert_eq!(super::area(3.0, 3.0), 9.0);
    }
}
