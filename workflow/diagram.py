"""Draw the process as a Mermaid state diagram, from the definition itself."""


def mermaid(definition, counts=None, language="zh"):
    """Return Mermaid source; counts (state -> number) are added to the labels."""
    lines = ["stateDiagram-v2"]
    for state in definition.states.values():
        text = state.zh if language == "zh" else state.en
        if counts is not None:
            text += f" ({counts.get(state.name, 0)})"
        lines.append(f'    {state.name}: {text}')
    lines.append(f"    [*] --> {definition.initial}")
    seen = set()
    for t in definition.transitions:
        for source, dest in definition.edges(t):
            if (source, dest, t.trigger) in seen:
                continue
            seen.add((source, dest, t.trigger))
            text = t.zh if language == "zh" else t.en
            lines.append(f"    {source} --> {dest}: {text}")
    finals = [name for name in definition.states if not definition.transitions_from(name)]
    lines.extend(f"    {name} --> [*]" for name in finals)
    return "\n".join(lines) + "\n"
