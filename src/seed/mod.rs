//! Data put in a catalogue rather than kept by it: the demo catalogue a newcomer sees
//! (`serve --demo`), and the synthetic national-scale catalogue the benchmarks read
//! (`generate`). Neither is a rule of the domain: both write through it.

pub mod demo;
pub mod generate;
