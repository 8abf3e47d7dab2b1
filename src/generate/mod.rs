//! Realistic generated data (示例市).
