//! Every page type, checked by axe-core.
