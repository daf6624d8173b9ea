"""Conversation history and job results, stored in Postgres."""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import DateTime, Engine, String, Text, create_engine, select
from sqlalchemy.orm import DeclarativeBase, Mapped, Session, mapped_column


class Base(DeclarativeBase):
    pass


class Message(Base):
    __tablename__ = "messages"

    id: Mapped[int] = mapped_column(primary_key=True)
    conversation_id: Mapped[str] = mapped_column(String(64), index=True)
    role: Mapped[str] = mapped_column(String(16))
    content: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=lambda: datetime.now(UTC))


class Summary(Base):
    __tablename__ = "summaries"

    id: Mapped[int] = mapped_column(primary_key=True)
    table_name: Mapped[str] = mapped_column(String(128), index=True)
    content: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=lambda: datetime.now(UTC))


def make_engine(url: str) -> Engine:
    engine = create_engine(url, pool_pre_ping=True, pool_size=5, max_overflow=5)
    Base.metadata.create_all(engine)
    return engine


class ConversationStore:
    def __init__(self, engine: Engine) -> None:
        self._engine = engine

    def add(self, conversation_id: str, role: str, content: str) -> None:
        with Session(self._engine) as session, session.begin():
            session.add(Message(conversation_id=conversation_id, role=role, content=content))

    def history(self, conversation_id: str, limit: int = 20) -> list[tuple[str, str]]:
        query = (
            select(Message.role, Message.content)
            .where(Message.conversation_id == conversation_id)
            .order_by(Message.id.desc())
            .limit(limit)
        )
        with Session(self._engine) as session:
            rows = session.execute(query).all()
        return [(role, content) for role, content in reversed(rows)]

    def save_summary(self, table: str, content: str) -> None:
        with Session(self._engine) as session, session.begin():
            session.add(Summary(table_name=table, content=content))
