fn main() -> std::process::ExitCode {
    cf2postfix::cli::main()
}
