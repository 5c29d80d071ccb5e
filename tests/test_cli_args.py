"""Argument parsing of the command-line front ends (``ectraverse._args``), in process.

No value of an unrecognised option is ever printed, on any parser (the CLI,
its subcommands, each demo's own parser, bench's); and the help says exactly
which subcommands take the engine options.
"""

import doctest
import re

import pytest

from ectraverse import _args, bench, cli, demos

SECRET = "SECRET-91c2"


def test_doctests():
    assert doctest.testmod(_args).failed == 0


@pytest.mark.parametrize("extras, message", [
    (["--ke=" + SECRET], "unrecognized option --ke (values are not echoed)"),
    (["--key", SECRET], "unrecognized option --key and 1 other argument (values are not echoed)"),
    (["-k" + SECRET, "--x=" + SECRET, "--x", SECRET, SECRET],
     "unrecognized options -k, --x and 2 other arguments (values are not echoed)"),
    ([SECRET], "unrecognized arguments: 1 (values are not echoed)"),
])
def test_unrecognized_names_options_only(extras, message):
    assert _args.unrecognized(extras) == message


def _parsers():
    yield "ectraverse", cli.build_parser(), []
    for name in demos.names():
        yield f"demo {name}", demos.build_parser(name), []
    yield "bench", bench.build_parser(), []


@pytest.mark.parametrize("argv", [["--key=" + SECRET], ["--ke", SECRET], ["-k" + SECRET], ["--k=" + SECRET, SECRET]])
@pytest.mark.parametrize("which", ["ectraverse"] + [f"demo {n}" for n in demos.names()] + ["bench"])
def test_no_parser_echoes_a_value(which, argv, capsys):
    parser = next(p for name, p, _ in _parsers() if name == which)
    if which == "ectraverse":
        argv = ["curves", *argv]
    with pytest.raises(SystemExit) as exc:
        parser.parse_args(argv)
    assert exc.value.code == 2
    captured = capsys.readouterr()
    assert SECRET not in captured.out + captured.err
    assert "values are not echoed" in captured.err


@pytest.mark.parametrize("name", demos.names())
def test_demo_launchers_do_not_echo(name, capsys):
    with pytest.raises(SystemExit) as exc:
        demos.main(name, ["--key=" + SECRET])
    assert exc.value.code == 2
    captured = capsys.readouterr()
    assert SECRET not in captured.out + captured.err
    assert f"ectraverse demo {name}: error: unrecognized option --key (values are not echoed)" in captured.err


@pytest.mark.parametrize("which, argv, message", [
    ("ectraverse", ["repeats", "-m", "9" * 5000, "x"],
     "argument -m: must be a positive integer of at most 4,300 digits, not one of 5,000"),
    ("ectraverse", ["repeats", "-m", "-" + "9" * 99, "x"],
     "argument -m: must be a positive integer, not '-999999999999999999999999999999999999999'… (100 characters)"),
    ("ectraverse", ["repeats", "-m", "+-3", "x"], "argument -m: must be a positive integer, not '+-3'"),  # was "too long"
    ("ectraverse", ["repeats", "-m", "1__2", "x"], "argument -m: must be a positive integer, not '1__2'"),
    ("bench", ["--repeats", "1001"], "argument --repeats: must be at most 1,000, not '1001'"),
    ("bench", ["--repeats", "2"], "argument --repeats: must be at least 3 (a median needs repeats), not '2'"),
    ("bench", ["--min-time", "61"], "argument --min-time: must be at most 60 seconds, not '61'"),
    ("bench", ["--msm-size", "9" * 4301], "argument --msm-size: must be a positive integer of at most 4,300 digits, "
                                          "not one of 4,301"),
    ("demo algebra", ["--trials", "10001"], "argument --trials: must be at most 10,000, not '10001'"),
])
def test_numbers_out_of_range_are_refused_without_echoing_them_whole(which, argv, message, capsys):
    """Python's int() reads at most 4,300 digits: more is too large, not "not an integer"; options that
    would run for ever past a bound have one; a long value is quoted cut short."""
    parser = next(p for name, p, _ in _parsers() if name == which)
    with pytest.raises(SystemExit) as exc:
        parser.parse_args(argv)
    assert exc.value.code == 2
    err = " ".join(capsys.readouterr().err.split())
    assert err.endswith(": error: " + message), err


def test_a_window_index_too_long_to_read_is_said_to_be(capsys):
    with pytest.raises(SystemExit) as exc:
        cli.main(["window", "--text", "a b", "0", "9" * 5000])
    assert exc.value.code == 2
    err = " ".join(capsys.readouterr().err.split())
    assert err.endswith("ectraverse window: error: J must be an integer of at most 4,300 digits, not one of 5,000"), err


def test_a_flag_given_a_value_does_not_echo_it(capsys):
    with pytest.raises(SystemExit):
        cli.build_parser().parse_args(["compose", "--json=" + SECRET, "x"])
    err = capsys.readouterr().err
    assert SECRET not in err and "argument --json: takes no value (values are not echoed)" in err


def test_engine_options_are_taken_where_the_help_says():
    parser = cli.build_parser()
    (sub,) = [a for a in parser._actions if a.dest == "command"]
    takes = {name for name, p in sub.choices.items() if "--key-file" in p._option_string_actions}
    assert takes == set(cli.ENGINE_COMMANDS)
    for name in cli.ENGINE_COMMANDS:
        assert {"--curve", "--tokenizer", "--namespace", "--key-file"} <= set(sub.choices[name]._option_string_actions)
    assert "--curve" in sub.choices["hash-to-curve"]._option_string_actions
    assert not {"--curve", "--tokenizer", "--namespace"} & set(sub.choices["curves"]._option_string_actions)
    epilog = " ".join(parser.epilog.split())
    listed = ", ".join(cli.ENGINE_COMMANDS[:-1]) + " and " + cli.ENGINE_COMMANDS[-1]
    assert (f"The context commands ({listed}) take the engine options --curve, --tokenizer, --namespace and "
            "--key-file") in epilog
    assert not re.search(r"\bevery (sub)?command\b", epilog, re.IGNORECASE)


@pytest.mark.parametrize("sign", ["+", "-", ""])
def test_a_signed_number_too_long_to_read_is_said_to_be(sign):
    """Past Python's int-digits limit, with either sign or none: the number is too long, not "not an
    integer"."""
    with pytest.raises(ValueError, match="^must be an integer of at most 4,300 digits, not one of 5,000$"):
        _args.parse_int(sign + "9" * 5000, "an integer")


def test_int_options_refuse_below_their_range():
    import argparse

    assert _args.positive_int("1") == 1 and _args.non_negative_int("0") == 0
    with pytest.raises(argparse.ArgumentTypeError, match="^must be a positive integer, not '0'$"):
        _args.positive_int("0")
    with pytest.raises(argparse.ArgumentTypeError, match="^must be a non-negative integer, not '-1'$"):
        _args.non_negative_int("-1")


def test_a_lone_dash_left_over_is_an_argument_not_an_option():
    assert _args.unrecognized(["-"]) == "unrecognized arguments: 1 (values are not echoed)"
    assert _args.unrecognized(["-", "-k"]) == "unrecognized option -k and 1 other argument (values are not echoed)"
