"""The public Python API as the README shows it."""

from __future__ import annotations

import pytest

import spatial_dsl
from spatial_dsl import CompileError, SceneError, compile_program, expand_refs, load_scene


def test_compile_once_run_on_many_scenes():
    program = compile_program('question "How tall is the fridge?"\n'
                              'answer round(the("Fridge").height in cm)')
    assert program.question == "How tall is the fridge?"
    assert str(program.answer_type) == "Number"
    scenes = [load_scene(ref) for ref in expand_refs(["ithor:FloorPlan1,ithor:FloorPlan2"])]
    results = list(program.run_many(scenes))
    assert [r.scene for r in results] == ["ithor/FloorPlan1", "ithor/FloorPlan2"]
    assert all(r.ok and r.answer.type == "Number" for r in results)
    assert results[0].answer.text == "197"  # FloorPlan1's fridge box is 1.97 m tall


def test_rejections_are_values():
    result = compile_program('answer the("Cabinet")').run(load_scene("ithor:FloorPlan1"))
    assert not result.ok
    assert result.rejection.kind == "Ambiguous"
    assert result.to_json()["rejected"]["kind"] == "Ambiguous"


def test_compile_error_lists_every_diagnostic():
    with pytest.raises(CompileError) as info:
        compile_program("let a = distnce(1, 2)\nanswer b + 1m", "q.sp")
    codes = [d.code for d in info.value.diagnostics]
    assert codes == ["E-NAME", "E-NAME"]
    assert "q.sp:1:9: error[E-NAME]" in str(info.value)


def test_compile_against_a_scene_checks_names():
    from spatial_dsl.scenes.names import SceneNameTable

    table = SceneNameTable(load_scene("ithor:FloorPlan1"))
    with pytest.raises(CompileError) as info:
        compile_program('answer count("Fridgee")', scene=table)
    assert info.value.diagnostics[0].code == "E-SCENE-NAME"
    assert '"Fridge"' in info.value.diagnostics[0].hint


def test_bad_scene_reference_is_a_scene_error():
    with pytest.raises(SceneError) as info:
        load_scene("ithor:FloorPlan999")
    assert "FloorPlan999" in str(info.value)


def test_version():
    assert spatial_dsl.__version__
