import pytest

from tests.factories import BarrierFactory


@pytest.fixture
def barrier(member):
    """A published barrier submitted by `member` (Mira Schäfer)."""
    return BarrierFactory(
        author=member,
        title="Abfallende-Status für Aluminiumschrott unklar",
        description="Die Behörden beurteilen den Schrott unterschiedlich; das kostet Zeit.",
    )


@pytest.fixture
def anonymous_barrier(member):
    return BarrierFactory(
        author=member,
        is_anonymous=True,
        title="Ersatzbaustoffverordnung erschwert Verwertung von Gießereisand",
        description="Gießereirestsand wird deponiert statt verwertet; Kosten steigen.",
    )
