//! The application layer's tests: who may see and do what, through every use case.
