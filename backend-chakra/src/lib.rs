//! ChakraCore backend (in progress).
