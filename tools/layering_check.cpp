// The program each module's library is linked into, whole, with only the
// libraries of the modules it may use (meson.build): linking fails when the
// module calls into one it may not.
int main() { return 0; }
