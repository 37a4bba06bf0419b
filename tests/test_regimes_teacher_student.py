"""sims/teacher_student.py: the batched students learn the teacher, more data helps, bad input is refused."""
import numpy as np
import pytest

from nsl.sims.teacher_student import train_teacher_student


def test_students_learn_and_more_data_helps():
    r = train_teacher_student(d=2, D_values=[16, 512], n_seeds=2, seed=1, width=32, teacher_width=32, steps=1500,
                              n_test=1024, eval_every=100, threads=1)
    L = r["test_loss"]  # unit-variance target: a constant predictor has test MSE ~1
    assert L.shape == (2, 2)
    assert np.all(L[:, 1] < 0.1), L
    assert np.all(L[:, 1] < L[:, 0]), L


def test_bad_input():
    with pytest.raises(ValueError, match="d must be"):
        train_teacher_student(d=0, D_values=[10], n_seeds=1, seed=0)
    with pytest.raises(ValueError, match="D_values"):
        train_teacher_student(d=2, D_values=[0], n_seeds=1, seed=0)
