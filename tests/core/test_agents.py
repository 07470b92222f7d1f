"""Agent parts: the safe calculator, tool schemas and their messages, a run where the
learner is the policy (budget, failures, injection, loops), context cost, the router."""

from __future__ import annotations

import contextlib

import pytest
from hypothesis import given
from hypothesis import strategies as st

from app.core.agents import episode as ep
from app.core.agents.calculator import CalculatorError, calculate
from app.core.agents.context import Step, context_cost, count_tokens
from app.core.agents.router import train_router
from app.core.agents.tools import TOOLS, ToolError, call, parse_arguments, validate_arguments


# ---- calculator ------------------------------------------------------------------------
@pytest.mark.parametrize(
    "expression, value",
    [
        ("6 * 7e9 * 2e12", 8.4e22),
        ("2 ** 10", 1024),
        ("(3 + 5) * 12 / 4", 24),
        ("-2 ^ 2", -4),  # ^ means power, and binds tighter than unary minus, as in **
        ("sqrt(16) + abs(-1)", 5),
        ("7 × 6 − 2", 40),
        ("log2(1024)", 10),
    ],
)
def test_calculator_computes_arithmetic(expression, value):
    assert calculate(expression) == pytest.approx(value)


@pytest.mark.parametrize(
    "expression, words",
    [
        ("__import__('os').system('ls')", "not"),
        ("open('x')", "not"),
        ("(1).__class__", "not"),
        ("x + 1", "name 'x'"),
        ("2 ** 100000", "Exponents"),
        ("10 ** 1000 * 10 ** 1000", "too large"),
        ("1 / 0", "zero"),
        ("2 *", "not an arithmetic"),
        ("", "Please"),
        ("1" * 300, "longer"),
        ("sqrt(-1)", "Cannot compute"),
    ],
)
def test_calculator_refuses_everything_else_with_a_reason(expression, words):
    with pytest.raises(CalculatorError, match=words):
        calculate(expression)


@given(st.integers(-(10**6), 10**6), st.integers(-(10**6), 10**6))
def test_calculator_agrees_with_python_on_integers(a, b):
    assert calculate(f"{a} + {b} * 3") == a + b * 3


@given(st.text(max_size=60))
def test_calculator_raises_only_its_own_error_on_any_text(text):
    with contextlib.suppress(CalculatorError):
        calculate(text)


# ---- tools and schemas -------------------------------------------------------------------
def test_each_tool_has_a_json_schema_and_runs_real_functions():
    assert set(TOOLS) == {
        "param_count",
        "training_memory",
        "chinchilla_budget",
        "serving_memory",
        "search_guide",
        "calculator",
    }
    for tool in TOOLS.values():
        assert tool.parameters["type"] == "object" and tool.parameters["required"]
    # GPT-2 small: 124,439,808 parameters (Radford et al. 2019; the HF model card)
    assert call("param_count", {"preset": "gpt2"})["parameters"] == 124_439_808
    result = call("chinchilla_budget", {"compute_flops": 5.76e23})
    # Hoffmann et al. 2022, Table 3 / Gopher's budget: ~67B parameters, ~1.5T tokens
    assert 60e9 < result["parameters"] < 75e9 and 1.2e12 < result["tokens"] < 1.6e12
    assert call("search_guide", {"query": "kv cache"})[0]["link"].startswith("/")


def test_schema_mistakes_each_get_a_clear_message():
    messages = validate_arguments(
        "training_memory", {"preset": "gpt5", "micro_batch": "2", "seq_len": 0, "extra": 1}
    )
    joined = " ".join(messages)
    assert "Unknown argument(s): 'extra'" in joined
    assert "'micro_batch' must be a whole number" in joined
    assert "'seq_len' must be at least 1" in joined
    assert "'preset' must be one of" in joined
    assert validate_arguments("calculator", {}) == ["Missing required argument 'expression'."]
    assert validate_arguments("calculator", []) == ["The arguments must be a JSON object, got []."]
    assert "Unknown tool" in validate_arguments("rm_rf", {})[0]
    assert validate_arguments("param_count", {"preset": "llama-2-7b"}) == []


def test_bad_json_and_refused_calls_raise_tool_errors():
    with pytest.raises(ToolError, match="not valid JSON"):
        parse_arguments('{"preset": ')
    with pytest.raises(ToolError, match="longer"):
        parse_arguments("{" + " " * 2000 + "}")
    with pytest.raises(ToolError, match="Division by zero"):
        call("calculator", {"expression": "1 / 0"})  # valid arguments the function refuses


# ---- a run with the learner as the policy --------------------------------------------------
ARGS = '{"preset": "llama-2-7b", "micro_batch": 1, "seq_len": 4096}'


def test_a_failing_tool_can_be_retried_and_the_budget_is_enforced():
    run = ep.new_run()
    run = ep.take_step(
        run,
        "size it",
        "training_memory",
        ARGS,
        budget=3,
        broken_tool="training_memory",
        failure="fail_once",
    )
    assert run["steps"][-1]["ok"] is False and "503" in run["steps"][-1]["observation"]
    run = ep.take_step(
        run,
        "retry",
        "training_memory",
        ARGS,
        budget=3,
        broken_tool="training_memory",
        failure="fail_once",
    )
    assert run["steps"][-1]["ok"] and "gb_per_gpu" in run["steps"][-1]["observation"]
    run = ep.take_step(run, "again", "training_memory", ARGS, budget=3)
    assert ep.repeated_calls(run) == [f"training_memory {run['steps'][0]['arguments']}"]
    with pytest.raises(ep.StepRefused, match="budget"):
        ep.take_step(run, "more", "calculator", '{"expression": "1+1"}', budget=3)


def test_timeouts_injection_schema_errors_and_finish():
    run = ep.take_step(
        ep.new_run(),
        "t",
        "calculator",
        '{"expression": "1+1"}',
        budget=9,
        broken_tool="calculator",
        failure="timeout",
    )
    assert "timed out" in run["steps"][-1]["observation"]
    run = ep.take_step(
        run,
        "s",
        "search_guide",
        '{"query": "kv cache"}',
        budget=9,
        broken_tool="search_guide",
        failure="inject",
    )
    assert "ignore all previous instructions" in run["steps"][-1]["observation"]
    run = ep.take_step(run, "bad", "param_count", '{"preset": 7}', budget=9)
    assert run["last_schema_errors"] and run["steps"][-1]["ok"] is False
    with pytest.raises(ep.StepRefused) as err:
        ep.take_step(run, "", "nope", "{", budget=9)
    assert len(err.value.messages) == 3  # no thought, unknown tool, bad JSON
    run = ep.take_step(run, "done", "finish", '{"answer": "No, 16 bytes per parameter."}', budget=9)
    assert run["finished"]
    with pytest.raises(ep.StepRefused, match="finished"):
        ep.take_step(run, "x", "calculator", '{"expression": "1"}', budget=9)


@given(
    st.one_of(
        st.none(),
        st.integers(),
        st.text(),
        st.dictionaries(st.text(), st.text()),
        st.fixed_dictionaries({"steps": st.lists(st.dictionaries(st.text(), st.text()))}),
    )
)
def test_sanitize_turns_anything_into_a_valid_run(raw):
    run = ep.sanitize(raw)
    assert set(run) == {"steps", "calls", "finished", "last_schema_errors"}
    assert ep.sanitize(run) == run


# ---- context cost ----------------------------------------------------------------------------
def test_each_call_rereads_the_whole_context():
    steps = [Step("t", "calculator", '{"expression":"1+1"}', '{"value": 2}')] * 3
    cost = context_cost("task", steps, in_price=3, out_price=15)
    sizes = cost.context_tokens
    assert len(sizes) == 4 and sizes == sorted(sizes) and sizes[0] > 100
    assert cost.input_tokens_billed == sum(sizes[:3])
    assert cost.dollars == pytest.approx((sum(sizes[:3]) * 3 + cost.output_tokens * 15) / 1e6)
    assert count_tokens("") == 0 < count_tokens("hello")
    with pytest.raises(ValueError):
        context_cost("task", steps, in_price=-1, out_price=0)


# ---- the learned router ------------------------------------------------------------------------
def test_router_learns_from_over_200_requests_and_generalises():
    router = train_router()
    assert router.n_train + router.n_test >= 200
    assert router.accuracy >= 0.85
    assert router.confusion.sum() == router.n_test
    assert router.confusion.trace() == round(router.accuracy * router.n_test)
    scores = router.scores("What is 12 * 7?")
    assert scores[0][0] == "calculator"
    assert sum(p for _, p in scores) == pytest.approx(1)
