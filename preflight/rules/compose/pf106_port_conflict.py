"""PF106."""

from __future__ import annotations

from typing import TYPE_CHECKING

from preflight.diagnostics import Diagnostic, Related, Severity
from preflight.model.compose.ports import PublishedPort, published_ports
from preflight.rules.base import Rule

if TYPE_CHECKING:
    from collections.abc import Iterator

    from preflight.model.project import Project


class PortConflict(Rule):
    """Two services publish the same host port.

    ## What it does
    Compares the host ports every service publishes (short and long syntax, ranges, host IPs and
    protocols) and reports a port published twice on overlapping addresses, among the services that
    run together: when the only command that uses a combination of files starts some services (a
    devcontainer's `runServices`), those and what they depend on.

    ## Why is this bad?
    The second container fails to start: `Bind for 0.0.0.0:8000 failed: port is already
    allocated`.

    ## Example
    ```yaml
    services:
      api:
        ports: ["8000:8000"]
      admin:
        ports: ["8000:80"]
    ```

    ## Use instead
    Publish each host port once (`"8001:80"`), or bind them to different host addresses.

    ## References
    - [Compose file reference: `ports`](https://docs.docker.com/reference/compose-file/services/#ports)
    """

    id = "PF106"
    name = "port-conflict"
    severity = Severity.ERROR

    def check(self, project: Project) -> Iterator[Diagnostic]:
        """Host ports published more than once."""
        for compose in project.compose:
            taken: dict[tuple[int, str], list[tuple[str, PublishedPort]]] = {}
            for service in compose.started_services().values():
                for port in published_ports(service):
                    for number in port.host_ports:
                        claims = taken.setdefault((number, port.protocol), [])
                        clash = next((c for c in claims if c[1].overlaps(port) and c[1].span != port.span), None)
                        claims.append((service.name, port))
                        if clash is None:
                            continue
                        other, first = clash
                        shown = "a host port" if port.interpolated or first.interpolated else f"host port {number}"
                        yield self.at(
                            port.span,
                            f'{shown}/{port.protocol} of service "{service.name}" is already '
                            f'published by service "{other}"',
                            help="publish a different host port, or bind to another host address",
                            service=service.name,
                            related=[Related(first.span, f'"{other}" publishes the same port here')],
                        )
                        break
