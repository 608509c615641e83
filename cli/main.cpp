#include "cli/commands.h"

int main(int argc, char** argv) {
    return wsconform::cli::run(argc, argv);
}
