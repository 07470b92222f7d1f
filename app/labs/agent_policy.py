"""Agents lab: you are the policy. Write a thought, pick a tool, type JSON arguments; the
lab validates them against the tool's schema, runs the real function, appends the
observation and shows the context growing in tokens and its cost. A step budget, and a
tool that can be set to fail, time out or carry an injected instruction."""

from __future__ import annotations

import json

import dash_bootstrap_components as dbc
from dash import Input, Output, State, callback, ctx, dcc, html, no_update

from app.components.inputs import field_error, number_field, select_field
from app.components.lab_card import formula_note, lab_card, stat
from app.core.agents import episode as ep
from app.core.agents.context import CONTEXT_VOCAB_SIZE, Step, context_cost
from app.core.agents.tools import TOOL_NAMES, TOOLS
from app.figures.agents import context_figure
from app.figures.theme import GRAPH_CONFIG
from app.validation import InputError, parse_number

LAB = "agent_policy"
TASK = "Can Llama 2 7B be fully fine-tuned on one 80 GB GPU? Answer with the numbers."
FAILURE_LABELS = {
    "none": "Works normally",
    "fail_once": "Fails once, then works (retry!)",
    "always_fail": "Always fails",
    "timeout": "Times out",
    "inject": "Answers, with an injected instruction",
}
TOOL_OPTIONS = [{"label": n, "value": n} for n in (*TOOL_NAMES, ep.FINISH)]


def _example(tool: str) -> str:
    return json.dumps(ep.EXAMPLE_ARGUMENTS.get(tool, {}))


def parse_settings(budget, in_price, out_price):
    budget = parse_number(budget, "Step budget", minimum=1, maximum=ep.MAX_STEPS, integer=True)
    in_price = parse_number(in_price, "Input price", minimum=0, maximum=1000, unit="$")
    out_price = parse_number(out_price, "Output price", minimum=0, maximum=1000, unit="$")
    return int(budget), float(in_price), float(out_price)


def _step_card(i: int, s: dict) -> html.Div:
    colour = "success" if s["ok"] else "danger"
    return html.Div(
        [
            html.Div(f"Step {i}", className="small fw-semibold"),
            html.Div([html.Span("Thought: ", className="text-muted"), s["thought"]]),
            html.Div(
                [
                    html.Span("Action: ", className="text-muted"),
                    html.Code(s["tool"]),
                    " ",
                    html.Code(s["arguments"]),
                ]
            ),
            html.Pre(
                "Observation: " + s["observation"],
                className=f"small mb-0 text-{colour} agent-observation",
                style={"whiteSpace": "pre-wrap"},
            ),
        ],
        className=f"border-start border-3 border-{colour} ps-2 mb-2 small",
    )


def render(run, task, budget, in_price, out_price):
    """(settings error, transcript, stats, figure) for a stored run."""
    run = ep.sanitize(run)
    task = str(task or "").strip()[: ep.MAX_TASK_CHARS] or TASK
    try:
        budget, in_price, out_price = parse_settings(budget, in_price, out_price)
    except InputError as err:
        return field_error(str(err)), no_update, no_update, no_update
    steps = [Step(s["thought"], s["tool"], s["arguments"], s["observation"]) for s in run["steps"]]
    cost = context_cost(task, steps, in_price, out_price)
    cards = [_step_card(i, s) for i, s in enumerate(run["steps"], start=1)]
    if not cards:
        cards = [
            html.P(
                "No steps yet. The context holds the system text, the six tool "
                "schemas and the task.",
                className="small text-muted",
            )
        ]
    warnings = []
    for loop in ep.repeated_calls(run):
        warnings.append(
            dbc.Alert(
                f"Loop? The same call was made 3 times: {loop}",
                color="warning",
                className="small py-2",
            )
        )
    if run["finished"]:
        warnings.append(
            dbc.Alert(
                "Finished. Press Reset to try another plan.",
                color="success",
                className="small py-2",
            )
        )
    stats = [
        stat("Steps", f"{len(run['steps'])} of {budget}"),
        stat("Context now", f"{cost.context_tokens[-1]:,} tokens"),
        stat(
            "Input billed",
            f"{cost.input_tokens_billed:,} tokens",
            hint="every call re-reads it all",
        ),
        stat("Cost so far", f"${cost.dollars:.4f}"),
    ]
    return None, html.Div(cards + warnings), stats, context_figure(cost)


def layout():
    run = ep.new_run()
    _, transcript, stats, fig = render(run, TASK, 6, 3, 15)
    body = html.Div(
        [
            dbc.Label("Task", html_for=f"{LAB}-task", className="small mb-1"),
            dbc.Input(
                id=f"{LAB}-task", value=TASK, maxLength=ep.MAX_TASK_CHARS, size="sm", debounce=True
            ),
            dbc.Row(
                [
                    dbc.Col(
                        number_field(f"{LAB}-budget", "Step budget", 6, min=1, step=1), xs=4, md=2
                    ),
                    dbc.Col(
                        number_field(f"{LAB}-in-price", "Input price", 3, unit="$/M tokens"),
                        xs=8,
                        md=3,
                    ),
                    dbc.Col(
                        number_field(f"{LAB}-out-price", "Output price", 15, unit="$/M tokens"),
                        xs=6,
                        md=3,
                    ),
                    dbc.Col(
                        select_field(
                            f"{LAB}-broken", "Break this tool", list(TOOL_NAMES), "training_memory"
                        ),
                        xs=6,
                        md=2,
                    ),
                    dbc.Col(
                        select_field(
                            f"{LAB}-failure",
                            "How it breaks",
                            [{"label": v, "value": k} for k, v in FAILURE_LABELS.items()],
                            "none",
                        ),
                        xs=12,
                        md=2,
                    ),
                ],
                className="g-2 mt-1",
            ),
            html.Div(id=f"{LAB}-settings-error"),
            html.H4("Your next step", className="h6 mt-3"),
            dbc.Row(
                [
                    dbc.Col(
                        [
                            dbc.Label("Thought", html_for=f"{LAB}-thought", className="small mb-1"),
                            dbc.Textarea(
                                id=f"{LAB}-thought",
                                value="I need the parameter count before I can size the memory.",
                                maxLength=ep.MAX_THOUGHT_CHARS,
                                rows=2,
                                className="form-control-sm",
                            ),
                        ],
                        xs=12,
                        md=5,
                    ),
                    dbc.Col(
                        select_field(f"{LAB}-tool", "Tool", TOOL_OPTIONS, "param_count"),
                        xs=12,
                        md=2,
                    ),
                    dbc.Col(
                        [
                            dbc.Label(
                                "Arguments (JSON)", html_for=f"{LAB}-args", className="small mb-1"
                            ),
                            dbc.Textarea(
                                id=f"{LAB}-args",
                                value=_example("param_count"),
                                maxLength=1000,
                                rows=2,
                                className="form-control-sm font-monospace",
                            ),
                        ],
                        xs=12,
                        md=5,
                    ),
                ],
                className="g-2",
            ),
            html.Details(
                [
                    html.Summary("The selected tool's JSON schema", className="small"),
                    html.Pre(
                        json.dumps(TOOLS["param_count"].spec(), indent=1),
                        id=f"{LAB}-schema",
                        className="small",
                    ),
                ],
                className="mt-1",
            ),
            html.Div(
                [
                    dbc.Button(
                        "Run step", id=f"{LAB}-run", color="primary", size="sm", className="me-2"
                    ),
                    dbc.Button(
                        "Reset", id=f"{LAB}-reset", color="secondary", outline=True, size="sm"
                    ),
                ],
                className="mt-2",
            ),
            html.Div(id=f"{LAB}-step-error", className="mt-2"),
            dcc.Store(id=f"{LAB}-run-store", data=run, storage_type="memory"),
            html.Div(stats, id=f"{LAB}-stats", className="stat-row my-3"),
            html.Div(transcript, id=f"{LAB}-transcript"),
            dcc.Graph(
                id=f"{LAB}-context", figure=fig, config={**GRAPH_CONFIG, "displayModeBar": False}
            ),
            formula_note(
                "input billed = Σ over calls of the whole context so far; cost = input × price"
                " + output × price",
                f"tokens: byte-level BPE trained on this guide (stage 03), "
                f"{CONTEXT_VOCAB_SIZE:,} tokens",
            ),
        ]
    )
    return lab_card(
        LAB,
        "You are the agent",
        "A model in an agent loop writes a thought, then a tool call; the tool's answer is "
        "appended and the model is called again with everything so far. Here you write the "
        "steps. The tools are this guide's own calculators.",
        body,
        sources=[
            ("ReAct (Yao et al. 2022)", "https://arxiv.org/abs/2210.03629"),
            ("JSON Schema", "https://json-schema.org/draft/2020-12"),
            (
                "Indirect prompt injection (Greshake et al. 2023)",
                "https://arxiv.org/abs/2302.12173",
            ),
        ],
        icon="bi-robot",
    )


@callback(
    Output(f"{LAB}-args", "value"),
    Output(f"{LAB}-schema", "children"),
    Input(f"{LAB}-tool", "value"),
    prevent_initial_call=True,
)
def show_tool(tool):
    if tool == ep.FINISH:
        spec = {"name": "finish", "parameters": {"answer": "string"}}
    elif tool in TOOLS:
        spec = TOOLS[tool].spec()
    else:
        return no_update, "Choose a tool."
    return _example(tool), json.dumps(spec, indent=1)


@callback(
    Output(f"{LAB}-run-store", "data"),
    Output(f"{LAB}-step-error", "children"),
    Input(f"{LAB}-run", "n_clicks"),
    Input(f"{LAB}-reset", "n_clicks"),
    State(f"{LAB}-run-store", "data"),
    State(f"{LAB}-thought", "value"),
    State(f"{LAB}-tool", "value"),
    State(f"{LAB}-args", "value"),
    State(f"{LAB}-budget", "value"),
    State(f"{LAB}-broken", "value"),
    State(f"{LAB}-failure", "value"),
    prevent_initial_call=True,
)
def step(_run, _reset, run, thought, tool, args, budget, broken, failure):
    reset = ctx.triggered_id == f"{LAB}-reset"
    return apply_step(reset, run, thought, tool, args, budget, broken, failure)


def apply_step(reset, run, thought, tool, args, budget, broken, failure):
    """(new run, error) after Reset or Run step: what the step callback returns."""
    if reset:
        return ep.new_run(), None
    try:
        budget = int(
            parse_number(budget, "Step budget", minimum=1, maximum=ep.MAX_STEPS, integer=True)
        )
        run = ep.take_step(
            run,
            thought,
            tool,
            args,
            budget=budget,
            broken_tool=broken,
            failure=failure if failure in ep.FAILURE_MODES else "none",
        )
    except InputError as err:
        return no_update, field_error(str(err))
    except ep.StepRefused as err:
        return no_update, field_error(" ".join(err.messages))
    if run["last_schema_errors"]:  # the step ran: a model would read these as its observation
        return run, dbc.Alert(
            [
                html.Div("The arguments do not match the schema:", className="fw-semibold"),
                html.Ul([html.Li(m) for m in run["last_schema_errors"]], className="mb-0"),
            ],
            color="warning",
            className="py-2 px-3 small mb-2",
        )
    return run, None


@callback(
    Output(f"{LAB}-settings-error", "children"),
    Output(f"{LAB}-transcript", "children"),
    Output(f"{LAB}-stats", "children"),
    Output(f"{LAB}-context", "figure"),
    Input(f"{LAB}-run-store", "data"),
    Input(f"{LAB}-task", "value"),
    Input(f"{LAB}-budget", "value"),
    Input(f"{LAB}-in-price", "value"),
    Input(f"{LAB}-out-price", "value"),
    prevent_initial_call=True,
)
def update_view(run, task, budget, in_price, out_price):
    return render(run, task, budget, in_price, out_price)
